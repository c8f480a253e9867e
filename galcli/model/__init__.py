"""Model backends behind one interface (`base.Backend`), chosen through `registry`."""
