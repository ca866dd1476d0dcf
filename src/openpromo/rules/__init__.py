"""openpromo.rules"""
