"""Batch rating on a Ray cluster (``--cluster``): one problem of one contest is the unit of distributed work.

    options   the ``--cluster`` flags and their parsing (imports no Ray: the CLI loads it always)
    shadow    a problem solved away from the run store: its events and files, carried back to the driver
    limiter   one limiter of model slots for the whole cluster (a Ray actor holding an ``EndpointPool``)
    worker    the Ray actor on a node: warm judge workers and a model backend, solving one problem per call
    judging   hidden-test judging on the workers (least busy first), and batches lent to an idle peer's judge
    executor  the driver's side: a queue of worker slots, the run store written by the driver alone
    progress  the live board's lines of a problem a worker is solving, asked for by the driver (display only)

Only ``options``, ``shadow`` and ``progress`` may be imported without Ray installed; the rest is imported when
``--cluster`` is given, so a run without it never loads Ray.
"""
