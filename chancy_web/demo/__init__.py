"""`chancy-web demo`: an embedded Postgres, a worker running demo jobs, and the dashboard.

`jobs` holds the job functions, `producer` the queues and the steady mix of jobs pushed to them,
`postgres` the embedded database, and `run` puts them together.
"""
