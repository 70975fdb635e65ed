"""Product policies (acceptatiebeleid) as versioned data: loading, validating and evaluating them."""

from engine.policy.loader import PolicyError, load_policy, load_policy_text
from engine.policy.model import CompiledRule, Policy
from engine.policy.registry import PolicyRegistry

__all__ = ["CompiledRule", "Policy", "PolicyError", "PolicyRegistry", "load_policy", "load_policy_text"]
