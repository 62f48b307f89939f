"""The processes ``benchmark_sweep`` starts: the Celery worker and beat run with
``settings`` (the production settings, plus a beat entry that sends the sweep as
soon as the beat starts and ``probe``'s counters), and ``smtp_sink`` is the mail
server they send to."""
