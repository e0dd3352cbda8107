package dev.strata.api;

import jakarta.persistence.OptimisticLockException;
import java.util.function.Supplier;

/**
 * Re-runs a user's change when it lost an optimistic-lock race against the reconciler recording an observation of
 * the same database: the user's intent is still valid, so they should not see a 409 for Strata's own bookkeeping.
 * A clash that persists after a few tries reaches the client as 409 (see ProblemMapper).
 */
public final class Retry {

    private static final int ATTEMPTS = 3;

    private Retry() {
    }

    public static <T> T onConcurrentChange(Supplier<T> action) {
        RuntimeException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (!causedByOptimisticLock(e)) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private static boolean causedByOptimisticLock(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OptimisticLockException) {
                return true;
            }
        }
        return false;
    }
}
