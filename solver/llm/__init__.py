"""The model layer: a local thinking model behind one seam (``base.ModelBackend``).

    base.py            the seam's values: Message, ChatParams, Chunk, Completion, ModelInfo
    errors.py          ModelUnreachable, UnknownHost, WrongServer, ModelNotFound, PromptTruncated,
                       ThinkingExhausted, ServerBusy, StreamError, ModelTimeout, BadRequest (under
                       solver.errors.ModelError); each names its host and backend and what to do for it
    presets.py         sampling by model name (Gemma 4: temperature 1.0, top_p 0.95, top_k 64, think)
    limits.py          pure rules: num_ctx choice, prompt-size estimate, truncation, thinking exhausted
    retry.py           the retry table of error kinds (the policy and loop: solver.retry, shared with the sources)
    pool.py            in-flight limit per endpoint, least-busy routing over several endpoints
    pooled.py          what both backends share: preflight once, pool, retries, reply checks, HTTP statuses
    streaming.py       timeouts (warm-up, first chunk, idle between chunks), host names, chunk collection
    ollama_backend.py  Ollama through the official ``ollama`` AsyncClient (preflight, warm-up, streaming)
    openai_backend.py  any OpenAI-compatible server through ``openai`` (reasoning_content)
    transcript.py      JSONL transcript of every request and reply, totals per run
    factory.py         build_backend(config): the registry picks the backend by name
    cli_options.py     --model / --host / --backend / --num-ctx for every command that uses a model

Typical use::

    backend = recorded(build_backend(config), Transcript(run_dir / "model.jsonl"), label="1999A")
    completion = await backend.chat([Message("user", prompt)], ChatParams(num_predict=16000))

Tests drive all of it against fake servers speaking the real protocols: ``tests/fakes/``.
"""
