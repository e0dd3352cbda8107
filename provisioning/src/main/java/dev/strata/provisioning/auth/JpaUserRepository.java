package dev.strata.provisioning.auth;

import dev.strata.domain.auth.User;
import dev.strata.domain.auth.UserRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;

@ApplicationScoped
public class JpaUserRepository implements UserRepository {

    @PersistenceContext(unitName = "strata")
    EntityManager em;

    @Override
    public Optional<User> findByUsername(String username) {
        return em.createQuery("select u from User u where u.username = :n", User.class)
                .setParameter("n", username).getResultStream().findFirst();
    }

    @Override
    public long count() {
        return em.createQuery("select count(u) from User u", Long.class).getSingleResult();
    }

    @Override
    public void add(User user) {
        em.persist(user);
    }
}
