"""Data-subject rights and retention: requests with their legal clock, access and portability exports,
rectification, restriction, erasure with legal holds, objections, the retention schedule, the register of
processing and breach reports."""
