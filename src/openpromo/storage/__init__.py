"""openpromo.storage"""
