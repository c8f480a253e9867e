"""Network look-ups (Crossref, OpenAlex, PubChem): opt-in, polite, cached.

Nothing here is imported unless a command is given `--online`; galcli stays offline by default.
Every answer is cached under the user cache directory with the time it was fetched, so a second
run over the same references makes no request.
"""
