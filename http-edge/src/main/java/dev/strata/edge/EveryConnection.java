package dev.strata.edge;

import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.portunif.PUContext;
import org.glassfish.grizzly.portunif.ProtocolFinder;

/**
 * The one protocol of the listener is HTTP, whatever the first bytes look like: like a plain HTTP listener, every
 * connection goes to the HTTP chain, so even bytes that are no HTTP at all get the codec's (problem+json) 400
 * rather than a silently closed connection.
 */
public class EveryConnection implements ProtocolFinder {

    @Override
    public Result find(PUContext puContext, FilterChainContext ctx) {
        return Result.FOUND;
    }
}
