"""Domain errors, HTTP-agnostic; the service layer turns them into its own errors.

DomainError
└── InvalidTransition   a session update that the state machine does not allow
"""

from __future__ import annotations


class DomainError(Exception):
    pass


class InvalidTransition(DomainError):
    pass


__all__ = ["DomainError", "InvalidTransition"]
