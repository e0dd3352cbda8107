package dev.strata.provisioning.driver;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.EngineDriver;
import dev.strata.domain.database.EngineOffer;
import dev.strata.domain.shared.UnprocessableException;
import dev.strata.provisioning.config.StrataConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The drivers of the configured place ({@code STRATA_DRIVER}) and which one runs each engine. Drivers are CDI beans
 * qualified with {@link DriverPlace}; adding an engine means adding a bean, never a branch here.
 */
@ApplicationScoped
public class EngineDrivers {

    @Inject
    @Any
    Instance<EngineDriver> all;

    @Inject
    StrataConfig config;

    public List<EngineOffer> offers() {
        List<EngineOffer> offers = new ArrayList<>();
        for (EngineDriver d : active()) {
            offers.addAll(d.offers());
        }
        offers.sort(java.util.Comparator.comparing(EngineOffer::engine));
        return offers;
    }

    public Optional<EngineOffer> offer(Engine engine) {
        return offers().stream().filter(o -> o.engine() == engine).findFirst();
    }

    public EngineDriver forEngine(Engine engine) {
        for (EngineDriver d : active()) {
            if (d.offers().stream().anyMatch(o -> o.engine() == engine)) {
                return d;
            }
        }
        throw new UnprocessableException("engine", "engine " + engine.wireName() + " is not available on this host");
    }

    private List<EngineDriver> active() {
        String place = config.driver();
        return all.select(new DriverPlace.Literal(place)).stream().toList();
    }
}
