"""openpromo.api"""
