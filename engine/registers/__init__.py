"""Registers: the outside sources checks consult (credit bureau, the insurers' claims register, the insolvency
register, the sanctions list, our own incident register, the postcode table), as typed records and queries.

The shapes here are the contract every provider speaks, the embedded local registers and the HTTP services alike.
"""
