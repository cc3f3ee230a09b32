"""The portal keeps nothing of its own: it shows what the other apps hold and have made public."""
