"""In-app notifications: short messages for one person, with a link, read or unread."""
