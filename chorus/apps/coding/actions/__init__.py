"""Write actions for thematic coding, one module per topic; each function validates, changes atomically and
records an audit event (ids and counts only). Import from the topic module; reads are in ../queries.py."""
