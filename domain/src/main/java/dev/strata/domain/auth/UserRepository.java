package dev.strata.domain.auth;

import java.util.Optional;

/** Port: where dashboard users are kept. */
public interface UserRepository {

    Optional<User> findByUsername(String username);

    long count();

    void add(User user);
}
