"""Activation Layer: partitioned Dagster assets that explain why active-user counts move."""
