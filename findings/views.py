"""Pages of this layer."""
