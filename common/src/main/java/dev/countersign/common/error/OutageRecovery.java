package dev.countersign.common.error;

import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Ends an outage {@link Outages} logged: the first successful answer after it says the servers
 * behind this service work again. Only a 2xx counts; a 4xx may have been refused before any
 * server was asked.
 */
public class OutageRecovery {

    @ServerResponseFilter
    public void afterResponse(ContainerResponseContext response) {
        if (Outages.down() && response.getStatus() >= 200 && response.getStatus() < 300) {
            Outages.recovered();
        }
    }
}
