"""The page: Personas | Dashboard | Chat | Search | Generate | Evaluate, and the named API endpoints for gradio_client.

``create_app(services)`` builds the Blocks without launching them. Per-user state (the conversation, the set
being viewed, search results) lives in gr.State or component values, i.e. per browser session; the services
object is shared and holds none."""

from __future__ import annotations

from functools import partial
from typing import Any

import gradio as gr

from chat.gate import POLICIES
from chat.responders.factory import REGISTRY, RESPONDERS

from . import dashboard, evaluate, handlers, predict, survey_generate, taxonomy, views
from .handlers import friendly
from .services import Services

HELP = ("Personas made from audience analytics with NMF (APG-style). Every number in a profile or an answer "
        "comes from the data; answers cite the facts they use and are checked for faithfulness.")
FILE_TYPES = [".csv", ".tsv", ".parquet", ".pq"]
# Builds are CPU-heavy (NMF restarts): at most this many at a time, UI and API together; the rest queue.
GENERATE_CONCURRENCY = 2


def create_app(services: Services) -> gr.Blocks:
    s = services.settings
    limit = s.app.concurrency
    with gr.Blocks(title="Data-driven personas", delete_cache=(3600, 3600)) as app:
        gr.Markdown(f"# Data-driven personas\n{HELP}")
        with gr.Row(equal_height=False):
            set_dd = gr.Dropdown(label="Persona set", choices=[], interactive=True, scale=5, elem_id="set-dd")
            activate_btn = gr.Button("Make default for everyone", scale=1, size="sm", min_width=120,
                                     elem_id="activate-set")
        set_note = gr.Markdown("The set picked here is for this page only. *Make default for everyone* changes "
                               "the set that every user of this app and the `personas` CLI get by default.",
                               elem_id="set-note")
        # Rendered inside their tabs below; made first so that cards and search hits can open the chat.
        chat_dd = gr.Dropdown(label="Persona", choices=[], interactive=True, elem_id="chat-dd", render=False)
        profile_dd = gr.Dropdown(label="Profile of", choices=[], interactive=True, elem_id="profile-dd",
                                 render=False)
        with gr.Tabs() as tabs:
            with gr.Tab("Personas", id="personas", elem_id="tab-personas"):
                _personas_tab(services, set_dd, profile_dd, chat_dd, tabs)
                predict.predict_section(services, set_dd)
            with gr.Tab("Dashboard", id="dashboard", elem_id="tab-dashboard"):
                dashboard.dashboard_tab(services, set_dd)
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                _chat_tab(services, chat_dd)
            with gr.Tab("Search", id="search", elem_id="tab-search"):
                _search_tab(services, set_dd, chat_dd, tabs)
            with gr.Tab("Generate", id="generate", elem_id="tab-generate"):
                _generate_tab(services, set_dd)
            with gr.Tab("Evaluate", id="evaluate", elem_id="tab-evaluate"):
                evaluate.evaluate_tab(services, set_dd)
        set_dd.change(partial(handlers.set_changed, services), set_dd, [profile_dd, chat_dd], api_visibility="private")
        activate_btn.click(partial(handlers.activate_set, services), set_dd, [set_dd, set_note],
                           api_visibility="private")
        app.load(partial(handlers.refresh_sets, services), set_dd, set_dd, api_visibility="private")
        _api(services, limit)
    return app


# ---------------------------------------------------------------------------- tabs


def _personas_tab(services: Services, set_dd: gr.Dropdown, profile_dd: gr.Dropdown, chat_dd: gr.Dropdown,
                  tabs: gr.Tabs) -> None:
    gr.Markdown("Each card is one persona: a demographic group that drives one latent behaviour of the audience.")

    @gr.render(inputs=set_dd)
    def cards(ref: str | None) -> None:
        if not ref:
            gr.Markdown("The demo persona set is being built (about 20 seconds on a first start): reload the page "
                        "to see it." if services.demo_building.is_set() else
                        "No persona set yet: build one in the Generate tab.")
            return
        personas = handlers.personas_of(services, ref)
        for start in range(0, len(personas), 3):
            with gr.Row(equal_height=True):
                for p in personas[start:start + 3]:
                    with gr.Column(min_width=260, variant="panel"):
                        gr.HTML(views.persona_card(p))
                        with gr.Row():
                            show = gr.Button("Profile", size="sm", elem_classes=["card-profile"])
                            talk = gr.Button(f"Chat with {p.name}", size="sm", elem_classes=["card-chat"])
                        show.click(lambda pid=p.id: pid, None, profile_dd, api_visibility="private")
                        talk.click(lambda pid=p.id: (pid, gr.Tabs(selected="chat")), None, [chat_dd, tabs],
                                   api_visibility="private")

    with gr.Column(elem_id="profile-section"):
        gr.Markdown("## Profile")
        profile_dd.render()
        profile = gr.HTML(elem_id="profile")
        with gr.Row():
            topics_plot = gr.BarPlot(x="topic", y="share %", title="Topic distribution (% of the group's interactions)",
                                     sort="-y", x_label_angle=-30, height=300)
            content_plot = gr.BarPlot(x="title", y="count", title="Top content: the group's count on each item",
                                      sort="-y", x_label_angle=-30, height=300)
        with gr.Row():
            shared_plot = gr.BarPlot(x="group", y="share of loading", title="Groups sharing this behaviour",
                                     sort="-y", x_label_angle=-30, height=300)
            trend_plot = gr.LinePlot(x="month", y="count", title="Trend over time (per month)", height=300,
                                     x_label_angle=-45)
        with gr.Accordion("Underlying data", open=False):
            content_table = gr.Dataframe(label="Top content (count: the group's interactions; weight: share of the "
                                         "behaviour)", interactive=False, elem_id="content-table")
            topics_table = gr.Dataframe(label="Topics (share of the group's interactions; lift vs. the whole audience)",
                                        interactive=False)
    profile_dd.change(partial(handlers.show_profile, services), profile_dd,
                      [profile, topics_plot, content_plot, shared_plot, trend_plot, content_table, topics_table],
                      api_visibility="private")


def _chat_tab(services: Services, chat_dd: gr.Dropdown) -> None:
    s = services.settings
    session = gr.State(None)  # chat.session.ChatSession of this browser session
    record = gr.State([])  # the conversation's answer objects (JSON form), for the transcript
    with gr.Row():
        with gr.Column(scale=3):
            chat_dd.render()
            chatbot = gr.Chatbot(label="Conversation", height=620, elem_id="chatbot", buttons=["copy"],
                                 feedback_options=None)
            with gr.Row():
                question = gr.Textbox(placeholder="Ask the persona, e.g. 'What do you watch most?'", scale=5,
                                      show_label=False, elem_id="question", max_lines=4)
                send = gr.Button("Send", variant="primary", scale=1, elem_id="send")
            with gr.Row():
                new_conv = gr.Button("New conversation", size="sm", elem_id="new-conversation")
                save_md = gr.Button("Transcript (Markdown)", size="sm", elem_id="transcript-md")
                save_html = gr.Button("Transcript (HTML)", size="sm", elem_id="transcript-html")
            transcript = gr.File(label="Transcript: each answer with its citations and faithfulness verdict",
                                 interactive=False, elem_id="transcript-file")
        with gr.Column(scale=1):
            head = gr.HTML()
            with gr.Accordion("Settings", open=True):
                responder = gr.Dropdown(RESPONDERS, value=s.chat.responder, label="Responder",
                                        info=f"grounded: {REGISTRY['grounded'].help}")
                policy = gr.Dropdown(POLICIES, value=s.chat.gate_policy, label="Faithfulness gate",
                                     info="annotate: mark failing claims; fallback: grounded answer; strict: refuse")
    start = partial(handlers.start_chat, services)
    chat_dd.change(start, chat_dd, [session, chatbot, head], api_visibility="private")
    new_conv.click(start, chat_dd, [session, chatbot, head], api_visibility="private")
    for trigger in (chat_dd.change, new_conv.click):
        trigger(lambda: [], None, record, api_visibility="private")
    turn = partial(handlers.chat_turn, services)
    for trigger in (send.click, question.submit):
        trigger(turn, [question, chat_dd, responder, policy, session, chatbot, record],
                [chatbot, session, question, record], api_visibility="private", concurrency_limit=s.app.concurrency,
                concurrency_id="chat")
    for button, suffix in ((save_md, ".md"), (save_html, ".html")):
        button.click(partial(dashboard.save_transcript, services, suffix=suffix), [chat_dd, record], transcript,
                     api_visibility="private")


def _search_tab(services: Services, set_dd: gr.Dropdown, chat_dd: gr.Dropdown, tabs: gr.Tabs) -> None:
    hits = gr.State([])
    with gr.Row():
        query = gr.Textbox(placeholder="e.g. women over 45 in Germany who watch cooking", scale=5, show_label=False,
                           elem_id="search-query")
        k = gr.Slider(1, 10, value=5, step=1, label="At most", scale=1)
        go = gr.Button("Search", variant="primary", scale=1, elem_id="search-go")
    note = gr.Markdown(elem_id="search-note")

    @gr.render(inputs=hits)
    def results(found: list[dict[str, Any]]) -> None:
        for hit in found:
            with gr.Column(variant="panel"):
                gr.HTML(hit["html"])
                talk = gr.Button(f"Chat with {hit['name']}", size="sm", elem_classes=["hit-chat"])
                talk.click(lambda pid=hit["persona_id"]: (pid, gr.Tabs(selected="chat")), None,
                           [chat_dd, tabs], api_visibility="private")

    search = partial(handlers.ui_search, services)
    for trigger in (go.click, query.submit):
        trigger(search, [query, k, set_dd], [hits, note], api_visibility="private",
                concurrency_limit=services.settings.app.concurrency, concurrency_id="search")


def _generate_tab(services: Services, set_dd: gr.Dropdown) -> None:
    mode = gr.Radio(["analytics", "survey"], value="analytics", label="Build from", elem_id="generate-mode",
                    info="analytics: audience data (NMF personas); survey: questionnaire responses (segments)")
    with gr.Column(visible=True) as analytics_form:
        _analytics_form(services, set_dd)
    with gr.Column(visible=False) as survey_form:
        survey_generate.survey_section(services, set_dd, FILE_TYPES)
    mode.change(lambda m: (gr.update(visible=m != "survey"), gr.update(visible=m == "survey")), mode,
                [analytics_form, survey_form], api_visibility="private")


def _analytics_form(services: Services, set_dd: gr.Dropdown) -> None:
    s = services.settings
    gr.Markdown(
        "Upload your audience data (CSV or Parquet, up to "
        f"{s.app.max_upload_mb:g} MB each): **interactions** with one row per group and content item (aggregated, "
        "e.g. a YouTube export) or one row per user event together with a **users** table. Optional: "
        "**content** (id, title, topics, date) and **comments** (content id, text). Then map the columns."
    )
    with gr.Row():
        inter = gr.File(label="Interactions (required)", file_types=FILE_TYPES, type="filepath", elem_id="up-inter")
        content = gr.File(label="Content (optional)", file_types=FILE_TYPES, type="filepath")
        users = gr.File(label="Users (event-level data)", file_types=FILE_TYPES, type="filepath")
        comments = gr.File(label="Comments (optional)", file_types=FILE_TYPES, type="filepath")
    with gr.Row(elem_id="generate-columns"):
        groups = gr.Dropdown(label="Demographic group columns", multiselect=True, choices=[], allow_custom_value=True)
        content_col = gr.Dropdown(label="Content id column", choices=[], allow_custom_value=True,
                                  elem_id="generate-content-col")
        count_col = gr.Dropdown(label="Count column", choices=[("(each row counts once)", "")], value="",
                                allow_custom_value=True)
        extra = gr.Dropdown(label="More counts (likes, minutes)", multiselect=True, choices=[],
                            allow_custom_value=True)
        user_col = gr.Dropdown(label="User id column (event-level)", choices=[], allow_custom_value=True)
    with gr.Row():
        k = gr.Textbox(value=str(s.generation.k), label="k: number of personas, or 'auto'", elem_id="generate-k")
        name = gr.Textbox(label="Set name (default: the file name)")
        go = gr.Button("Generate personas", variant="primary", elem_id="generate-go")
    status = gr.Markdown(elem_id="generate-status")
    table = gr.Dataframe(label="The new set", interactive=False)
    offer = handlers.offer_columns
    for f in (inter, users):
        f.change(offer, [inter, users], [groups, content_col, count_col, extra, user_col], api_visibility="private")
    go.click(partial(handlers.ui_generate, services),
             [inter, content, users, comments, groups, content_col, count_col, extra, user_col, k, name],
             [status, table, set_dd], api_visibility="private", concurrency_limit=GENERATE_CONCURRENCY,
             concurrency_id="generate")


# ---------------------------------------------------------------------------- API for gradio_client


def _api(services: Services, limit: int) -> None:
    s = services.settings

    def list_personas(set_name: str = "") -> list[dict[str, Any]]:
        """The personas of a set (default: the active set), biggest audience first."""
        return handlers.api_list_personas(services, set_name)

    def show_persona(persona_id: str) -> dict[str, Any]:
        """One persona's full profile (the export form, without the picture)."""
        return handlers.api_show_persona(services, persona_id)

    def search(query: str, k: int = 5, set_name: str = "") -> dict[str, Any]:
        """Personas matching a description in plain words, best first, each with why it matched."""
        return handlers.api_search(services, query, k, set_name)

    gr.api(friendly(list_personas), api_name="list_personas")
    gr.api(friendly(show_persona), api_name="show_persona")
    gr.api(friendly(search), api_name="search", concurrency_limit=limit, concurrency_id="search")

    # Endpoints with per-client state or uploads are events of hidden components: gr.State keeps each client's
    # conversation (gradio_client keeps one session per Client), and gr.File uploads what the client sends.
    state = gr.State(None)
    with gr.Column(visible=False):
        persona_id = gr.Textbox(value="", label="persona_id")
        question = gr.Textbox(value="", label="question")
        responder = gr.Textbox(value=s.chat.responder, label="responder")
        policy = gr.Textbox(value=s.chat.gate_policy, label="policy")
        answer = gr.JSON(label="answer")
        cleared = gr.Textbox(label="status")
        chat_btn, reset_btn, gen_btn, det_btn = (gr.Button() for _ in range(4))
        files = [gr.File(label=n, type="filepath") for n in ("interactions", "content", "users", "comments")]
        group_by = gr.Textbox(value="", label="group_by")
        content_col = gr.Textbox(value="", label="content_col")
        count_col = gr.Textbox(value="", label="count_col")
        extra = gr.Textbox(value="", label="extra_counts")
        user_col = gr.Textbox(value="user_id", label="user_col")
        k = gr.Textbox(value=str(s.generation.k), label="k")
        name = gr.Textbox(value="", label="name")
        id_col = gr.Textbox(value="", label="id_col")
        set_name = gr.Textbox(value="", label="set_name")
        result = gr.JSON(label="result")
    chat_btn.click(partial(handlers.api_chat, services), [persona_id, question, responder, policy, state],
                   [answer, state], api_name="chat", concurrency_limit=limit, concurrency_id="chat")
    reset_btn.click(handlers.api_reset_chat, [state], [cleared, state], api_name="new_conversation")
    gen_btn.click(partial(handlers.api_generate, services),
                  [*files, group_by, content_col, count_col, extra, user_col, k, name], result, api_name="generate",
                  concurrency_limit=GENERATE_CONCURRENCY, concurrency_id="generate")
    det_btn.click(partial(handlers.api_detect, services), [files[0], content_col, count_col, id_col, set_name],
                  result, api_name="detect")
    predict.register_api(services)
    survey_generate.register_api(services)
    taxonomy.register_api(services)
