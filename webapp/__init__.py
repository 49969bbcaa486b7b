"""The Gradio app's UI: create_app(services) -> gr.Blocks (webapp.ui), its handlers, and the server checks."""
