"""The solve loop: think, draft, judge, stress-test, repair, choose.

One stage per module, read in this order:

    prompts.py / prompts/*.j2   the prompts, as Jinja2 templates (undefined variables are errors)
    languages.py                how the model is asked for code in a language (fence tags, conventions)
    extract.py                  the code block out of a model reply (pure)
    evidence.py                 compiler errors, wrong outputs, timings -> text for a repair prompt (pure)
    checking.py                 which built-in checker a statement calls for (pure)
    shrink.py                   seeded stress plans and how to make a failing input smaller (pure)
    cluster.py                  choosing among passing candidates by behaviour (pure)
    budget.py                   attempts, tokens and wall time per problem, and why the loop stopped (pure)
    model.py                    one model call, cached in the run store so a resumed run never asks twice
    programs.py                 compile and judge through the sandbox; the pool of local tests
    work.py                     what one problem's stages share; the result values
    kit.py                      the stress-test kit: brute force, validator, generator, max-size generator,
                                checker, interactor, each checked before it is trusted
    stress.py                   seeded random tests candidate vs brute force, shrinking, max-size timing
    candidate.py                one candidate: draft -> compile -> tests -> stress -> repair, with anchors
    loop.py                     the orchestrator: problems -> candidates in parallel -> the choice
    progress.py                 the live board and the final report (rich)

The run store (``solver.runstore``) keeps everything; ``solver.commands.solve`` is the command line.
"""
