"""openpromo.services"""
