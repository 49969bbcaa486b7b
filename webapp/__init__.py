"""The Gradio app: webapp.main starts it (`personas app`, `personas-app`); create_app(services) -> gr.Blocks
(webapp.ui), its handlers, and the server checks."""
