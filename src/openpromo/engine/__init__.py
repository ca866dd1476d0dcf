"""openpromo.engine"""
