"""Write actions for "you said, we did", one module per topic. Each validates, changes atomically and records
an audit event (ids only, never residents' words or contact details). Views and tests call these.
Import the topic module: `from chorus.apps.accountability.actions import meetings`."""
