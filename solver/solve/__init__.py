"""The solve loop: think, draft, judge, stress-test, repair, choose.

One stage per module, read in this order:

    prompts.py / prompts/*.j2   the prompts, as Jinja2 templates (undefined variables are errors)
    extract.py                  the code block out of a model reply (pure)
    evidence.py                 compiler errors, wrong outputs, timings -> text for a repair prompt (pure)
    shrink.py                   how to make a failing stress input smaller (pure decisions)
    cluster.py                  choosing among passing candidates by behaviour (pure)
    budget.py                   attempts, tokens and wall time per problem (pure)
    model.py                    one model call, cached in the run store so a resumed run never asks twice
    programs.py                 compile and run through the sandbox, judged against a test pool
    kit.py                      the stress-test kit: brute force, generator, validator, max-size generator,
                                checker, interactor, each checked before it is trusted
    stress.py                   seeded random tests candidate vs brute force, shrinking, max-size timing
    candidate.py                one candidate: draft -> compile -> samples -> stress -> repair, with anchors
    loop.py                     the orchestrator: a problem (or many) -> candidates in parallel -> choice
"""
