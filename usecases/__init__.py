"""The use cases both front doors run (the `personas` command in cli/ and the web app in webapp/), written once:
open the store, generate a set (plain, windowed, updated), open a chat, search, evaluate, detect.

Above every domain package (personas, retrieval, chat, the checker, eval) and below cli/ and webapp/, which
only parse, compose and present. ``usecases.settings.Settings`` is the one settings object of an entry point.
"""
