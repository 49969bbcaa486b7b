"""Chat with a persona: retrieval-grounded answers in the persona's voice, cited and checked."""
