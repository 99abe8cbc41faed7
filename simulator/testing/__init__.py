"""Hypothesis strategies and a state machine for users of seclab (needs ``hypothesis``,
which the ``test`` extra installs; the rest of the package never imports it).

- :mod:`simulator.testing.strategies`: levels, MCS pairs, contexts, image paths and domain XML.
- :mod:`simulator.testing.lifecycle`: ``DomainLifecycle``, a rule-based state machine over
  domains sharing images and a ``/dev`` disk; subclass it to add your own rules and invariants.
"""
