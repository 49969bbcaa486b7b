"""Event handlers: small functions from form values to what the page shows. They call the library (store, chat
service, search, generation) and turn its expected failures into messages, never tracebacks."""

from __future__ import annotations

import functools
import html
import inspect
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from personas.demographics import detect_roles
from personas.errors import InputError, PersonaError
from personas.sets import parse_set_ref
from usecases.inputs import name_list, parse_k, set_name_for
from usecases.progress import no_progress

from . import uploads, views
from .services import GenerateRequest, Progress, Services, generate_set

if TYPE_CHECKING:
    from chat.session import ChatSession
    from personas.sets import PersonaSet

log = logging.getLogger("webapp")


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Expected failures become a one-line gr.Error (a message in the page, an AppError in gradio_client);
    anything else is logged with its traceback on the server under a short reference, and the page shows only
    that reference: an unexpected error's text can reveal server paths or data."""

    def translate(exc: Exception) -> gr.Error:
        if isinstance(exc, gr.Error):
            return exc
        if isinstance(exc, PersonaError):  # its text may quote the user's data: shown as text, never as markup
            return gr.Error(html.escape(str(exc), quote=False), print_exception=False)
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected error (reference %s) in %s", ref, fn.__name__, exc_info=exc)
        return gr.Error(f"Something went wrong on the server (reference {ref}); the server log has the details "
                        "under that reference", print_exception=False)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - translated for people
                raise translate(exc) from None
        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - translated for people
            raise translate(exc) from None
    return wrapper


# ---------------------------------------------------------------------------- sets and personas


def parse_ref(ref: str | None) -> tuple[str | None, int | None]:
    """'demo@v2' -> ('demo', 2); 'demo' -> ('demo', None); '' -> (None, None): the active set."""
    return parse_set_ref(ref)


def personas_of(services: Services, ref: str | None) -> list[Any]:
    name, version = parse_ref(ref)
    return services.store.personas(*services.store.resolve(name, version))


def set_dropdown(services: Services, selected: str | None = None) -> dict[str, Any]:
    sets = services.store.list_sets()
    choices = views.set_choices(sets)
    refs = [ref for _, ref in choices]
    active = next((f"{m['name']}@v{m['version']}" for m in sets if m.get("active")), refs[-1] if refs else None)
    return gr.update(choices=choices, value=selected if selected in refs else active)


@friendly
def refresh_sets(services: Services, selected: str | None) -> dict[str, Any]:
    return set_dropdown(services, selected)


@friendly
def activate_set(services: Services, ref: str) -> tuple[dict[str, Any], str]:
    name, version = services.store.resolve(*parse_ref(ref))
    services.store.activate(name, version)
    note = f"{name}@v{version} is now the default set for everyone: every user of this app and the `personas` CLI."
    return set_dropdown(services, f"{name}@v{version}"), note


@friendly
def set_changed(services: Services, ref: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A set was picked: the profile and chat dropdowns offer its personas."""
    choices = views.persona_choices(personas_of(services, ref)) if ref else []
    first = choices[0][1] if choices else None
    return gr.update(choices=choices, value=first), gr.update(choices=choices, value=first)


@friendly
def show_profile(services: Services, persona_id: str | None) -> tuple[Any, ...]:
    if not persona_id:
        empty = views.pd.DataFrame()
        return "Pick a persona.", empty, empty, empty, gr.update(value=empty, visible=False), empty, empty
    p = services.store.find_persona(persona_id)
    trend = views.trend_frame(p)
    return (views.profile_html(p), views.topics_frame(p), views.content_plot_frame(p), views.shared_frame(p),
            gr.update(value=trend, visible=not trend.empty, y=p.count_name, y_title=p.count_name),
            views.content_frame(p),
            views.topics_frame(p))


def api_list_personas(services: Services, set_name: str = "") -> list[dict[str, Any]]:
    return [views.persona_summary(p) for p in personas_of(services, set_name)]


def api_show_persona(services: Services, persona_id: str) -> dict[str, Any]:
    d = services.store.find_persona(persona_id).to_export()
    d.pop("avatar", None)
    return d


# ---------------------------------------------------------------------------- search


def run_search(services: Services, query: str, k: int = 5, set_ref: str = "") -> Any:
    from usecases.search import search

    return search(services.store, query, k=int(k), set_ref=set_ref)


def api_search(services: Services, query: str, k: int = 5, set_name: str = "") -> dict[str, Any]:
    result = run_search(services, query, k, set_name)
    return {"query": result.query, "set": result.set_ref, "hits": result.to_json(), "message": result.message}


@friendly
def ui_search(services: Services, query: str, k: float, set_ref: str) -> tuple[list[dict[str, Any]], str]:
    result = run_search(services, query, int(k), set_ref)
    by_id = {p.id: p for p in personas_of(services, result.set_ref)} if result.hits else {}
    cards = [{"persona_id": h.persona_id, "name": h.name,
              "html": views.hit_card(h, by_id.get(h.persona_id), i)} for i, h in enumerate(result.hits, 1)]
    note = result.message or f"{len(cards)} persona{'s' if len(cards) != 1 else ''} found in {result.set_ref}."
    return cards, note


# ---------------------------------------------------------------------------- chat


@friendly
def start_chat(services: Services, persona_id: str | None) -> tuple[ChatSession | None, list[dict[str, str]], str]:
    """A new conversation (new persona, or the 'New conversation' button)."""
    if not persona_id:
        return None, [], "Pick a persona to talk to."
    session = services.chat.new_session(persona_id)
    p = services.store.find_persona(persona_id)
    return session, [], views.persona_card(p)


@friendly
def chat_turn(services: Services, question: str, persona_id: str | None, responder: str, policy: str,
              session: ChatSession | None, history: list[dict[str, Any]] | None,
              record: list[dict[str, Any]] | None = None) -> Iterator[tuple[Any, ...]]:
    """Streams one turn into the chatbot: the question, the growing answer, then the checked, cited answer.
    ``record`` holds the conversation's answer objects (JSON form) for the transcript; the last yield adds this one.

    Under the 'fallback' and 'strict' gate policies the chat sends no text before the gate has checked it, so
    the turn shows a placeholder until the final answer arrives."""
    if not persona_id:
        raise InputError("pick a persona first (Chat tab, 'Persona')")
    if session is None or session.persona_id != persona_id:
        session, history, record = services.chat.new_session(persona_id), [], []
    history, record = list(history or []), list(record or [])
    shown = [*history, {"role": "user", "content": question}]
    yield [*shown, {"role": "assistant", "content": views.pending_markdown(policy or services.settings.chat.gate_policy)}
           ], session, "", record
    text = ""
    for item in services.chat.stream(session, question, responder or None, policy or None):
        if isinstance(item, str):
            text += item
            yield [*shown, {"role": "assistant", "content": views.streaming_markdown(text)}], session, "", record
        else:
            record = [*record, item.to_json()]
            yield [*shown, {"role": "assistant", "content": views.answer_markdown(item)}], session, "", record


@friendly
def api_chat(services: Services, persona_id: str, question: str, responder: str, policy: str,
             session: ChatSession | None) -> tuple[dict[str, Any], ChatSession]:
    """One turn, answered whole. The conversation lives in the caller's session (gr.State): each gradio_client
    Client (and each browser tab) has its own. Changing persona starts a new conversation."""
    if not persona_id:
        if session is None:
            raise InputError("give a persona id (see /list_personas)")
        persona_id = session.persona_id
    if session is None or session.persona_id != persona_id:
        session = services.chat.new_session(persona_id)
    answer = services.chat.ask(session, question, responder or None, policy or None)
    result = views.answer_details(answer)
    result["history"] = [{"question": t.question, "answer": t.answer} for t in session.turns]
    return result, session


@friendly
def api_reset_chat(session: ChatSession | None) -> tuple[str, ChatSession | None]:
    if session is not None:
        session.reset()
    return "conversation cleared", session


# ---------------------------------------------------------------------------- generate

_CONTENT_GUESS = ("content_id", "video_id", "item_id", "post_id", "page_id", "content", "video", "item", "page")
_COUNT_GUESS = ("views", "count", "plays", "interactions", "impressions", "clicks", "visits", "pageviews")


def _guess(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


@friendly
def offer_columns(interactions: str | None, users: str | None) -> tuple[dict[str, Any], ...]:
    """Columns of the uploaded files, with a first guess at what each means, for the mapping form."""
    inter_cols = uploads.columns_of(interactions) if interactions else []
    user_cols = uploads.columns_of(users) if users else []
    group_source = user_cols if users else inter_cols
    roles = detect_roles(group_source)
    groups = [c for c in (roles.age, roles.gender, roles.country) if c]
    content = _guess(inter_cols, _CONTENT_GUESS)
    count_col = _guess(inter_cols, _COUNT_GUESS)
    user_col = _guess(inter_cols, ("user_id", "user", "userid", "visitor_id"))
    others = [c for c in inter_cols if c not in (content, count_col, user_col, *groups)]
    return (
        gr.update(choices=group_source, value=groups),
        gr.update(choices=inter_cols, value=content),
        gr.update(choices=["", *inter_cols], value=count_col or ""),
        gr.update(choices=others, value=[]),
        gr.update(choices=inter_cols, value=user_col or (inter_cols[0] if users and inter_cols else None)),
    )


def gradio_progress(progress: gr.Progress) -> Progress:
    def factory(label: str, total: int | None) -> Callable[..., None]:
        done = [0]
        progress((0, total), desc=label)

        def tick(n: int = 1) -> None:
            done[0] += n
            progress((done[0], total), desc=label)
        return tick
    return factory


def rejected_forgotten(check: Callable[..., Any], src: str, *args: Any) -> Any:
    """``check(src, ...)``; an upload it rejects is deleted from Gradio's cache at once (a file that passed
    stays there, so that the form can be sent again with another mapping)."""
    try:
        return check(src, *args)
    except InputError:
        uploads.forget_upload(src)
        raise


def generate_from_form(
    services: Services, progress: Progress, interactions: str | None, content: str | None, users: str | None,
    comments: str | None, group_by: str | list[str] | None, content_col: str | None, count_col: str | None,
    extra_counts: str | list[str] | None, user_col: str | None, k: str | float | None, name: str | None,
) -> PersonaSet:
    """Accept the uploads, build the set, and keep the files only when the set was built."""
    if not interactions:
        raise InputError("upload an interactions file (CSV or Parquet) first")
    inter_cols = rejected_forgotten(uploads.columns_of, interactions)
    groups = name_list(group_by)
    if not groups:
        source = uploads.columns_of(users) if users else inter_cols
        roles = detect_roles(source)
        groups = tuple(c for c in (roles.age, roles.gender, roles.country) if c)
        if not groups:
            raise InputError("choose the demographic group columns (none is named age, gender or country)")
    content_col = content_col or _guess(inter_cols, _CONTENT_GUESS)
    if not content_col:
        raise InputError("choose the content id column of the interactions")
    count = count_col if count_col else (_guess(inter_cols, _COUNT_GUESS) if count_col is None else None)
    kept: list[Path] = []
    try:
        def take(src: str | None) -> Path | None:
            if not src:
                return None
            kept.append(rejected_forgotten(uploads.accept, src, services.uploads))
            return kept[-1]

        req = GenerateRequest(
            interactions=take(interactions), content=take(content), users=take(users), comments=take(comments),
            group_by=groups, content_col=content_col, count_col=count or None, extra_counts=name_list(extra_counts),
            user_col=user_col or "user_id", k=parse_k(k, flag="k"), name=(name or "").strip() or set_name_for(interactions),
            source=f"upload: {Path(interactions).name}",
        )
        pset = generate_set(services, req, progress)
    except BaseException:
        uploads.discard(kept)
        raise
    uploads.keep(kept)
    return pset


def generated_summary(pset: PersonaSet) -> tuple[str, Any]:
    notes = "".join(f"\n- {n}" for n in pset.notes)
    text = (f"Built **{pset.ref}** with {len(pset.personas)} personas (stability "
            f"{pset.quality.get('stability', 0):.2f}); this page now shows it. The default set of other users "
            f"and of the CLI is unchanged.{notes}")
    table = views.pd.DataFrame([views.persona_summary(p) for p in pset.personas]).drop(columns=["description"])
    return text, table


@friendly
def ui_generate(
    services: Services, interactions: str | None, content: str | None, users: str | None, comments: str | None,
    group_by: list[str] | None, content_col: str | None, count_col: str | None, extra_counts: list[str] | None,
    user_col: str | None, k: str, name: str, progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's way
) -> tuple[Any, ...]:
    pset = generate_from_form(services, gradio_progress(progress), interactions, content, users, comments, group_by,
                              content_col, count_col, extra_counts, user_col, k, name)
    text, table = generated_summary(pset)
    return text, table, set_dropdown(services, pset.ref)


@friendly
def api_generate(services: Services, interactions: str | None, content: str | None = None, users: str | None = None,
                 comments: str | None = None, group_by: str = "", content_col: str = "", count_col: str = "",
                 extra_counts: str = "", user_col: str = "user_id", k: str = "10", name: str = "") -> dict[str, Any]:
    """Upload files and build a persona set (a new version when the name exists; the active set, which other
    users and the CLI see by default, stays as it is: pass the returned set to the other endpoints). Empty column
    names are guessed from the header (age/gender/country groups, content id, count); count_col 'none': each row
    counts once."""
    count = None if not count_col else ("" if count_col.strip().lower() == "none" else count_col)
    pset = generate_from_form(services, no_progress, interactions, content, users, comments, group_by,
                              content_col, count, extra_counts, user_col, k, name)
    return {"set": pset.ref, "personas": [views.persona_summary(p) for p in pset.personas], "notes": pset.notes}


# ---------------------------------------------------------------------------- detect


@friendly
def api_detect(services: Services, interactions: str | None, content_col: str = "", count_col: str = "",
               id_col: str = "", set_name: str = "") -> list[dict[str, Any]]:
    """Which persona of a set (default: the active one) each individual in the file resembles; empty column
    names are guessed as /generate guesses them."""
    from usecases.detect import detect

    wanted = (interactions, "upload the interactions of the people to detect (CSV or Parquet)")
    # detection keeps nothing about the individuals: read in place, Gradio's cached upload deleted after
    with uploads.read_once(services.uploads, wanted) as (path,):
        parse_ref(set_name)  # a bad reference fails before the file is read
        columns = uploads.columns_of(str(path))
        content_col = content_col or _guess(columns, _CONTENT_GUESS) or "content_id"
        found = detect(services.store, path, content_col, count_col or None, id_col or None, set_name)
    return [d.to_json() for d in found]
