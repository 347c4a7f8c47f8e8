"""Contest mode: solve a real contest within its time, place the bot in the real standings, rate it.

selection   which contests (finished, rated, by division and date) a batch runs
testpack    hidden-test packs: CodeContests JSONL, or a directory of tests with an optional checker
submit      judging a submission on a pack, in the sandbox
run         one contest: solve every problem concurrently, submit, place, performance
placing     the bot's score, place and performance (arithmetic from solver.rating)
batch       many contests, resumable; the Elo-equivalent rating with intervals
present     tables and Report values;  report: Markdown, HTML, JSON;  plots: inline SVG
"""
