# The registry has no pages of its own yet: the back office is the Django admin
# (admin.py) and programs use the REST API (api/).
