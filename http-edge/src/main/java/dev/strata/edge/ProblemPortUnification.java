package dev.strata.edge;

import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.portunif.PUFilter;
import org.glassfish.grizzly.portunif.PUProtocol;
import org.glassfish.grizzly.portunif.ProtocolFinder;

/**
 * The way into Payara's HTTP filter chain. Payara builds the chain of an {@code <http>} protocol itself, with no
 * place for a filter of one's own; a {@code <port-unification>} protocol, though, names its filter class in
 * domain.xml and is handed each sub-protocol's finished chain. This one takes the HTTP chain and puts
 * {@link CodecErrorBodies} right before Grizzly's HTTP codec and {@link ProblemAnswers} right after it. Configured by
 * the strata script (see the README, "Deploying the EAR on your own Payara Server").
 */
public class ProblemPortUnification extends PUFilter {

    public ProblemPortUnification() {
        super(false); // bytes that look like no known protocol still go to HTTP, whose codec answers them
    }

    @Override
    public PUProtocol register(ProtocolFinder finder, FilterChain chain) {
        int codec = indexOf(chain, HttpServerFilter.class);
        if (codec >= 0 && indexOf(chain, ProblemAnswers.class) < 0) {
            chain.add(codec + 1, new ProblemAnswers());
            chain.add(codec, new CodecErrorBodies());
        }
        return super.register(finder, chain);
    }

    private static int indexOf(FilterChain chain, Class<? extends Filter> type) {
        for (int i = 0; i < chain.size(); i++) {
            if (type.isInstance(chain.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
