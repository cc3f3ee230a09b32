"""Pure domain rules: no Django import anywhere below this package.

Everything here is a function of its arguments, so it can be property-tested
in isolation and reused by services, importers and the demo generator alike.
"""
