"""Texts the applicant sees: the pre-decision notice a form shows, and the notice that comes with a decision."""
