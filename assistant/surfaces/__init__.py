"""What people use: the CLI, the web chat, the Slack bot, and the feedback they give."""
