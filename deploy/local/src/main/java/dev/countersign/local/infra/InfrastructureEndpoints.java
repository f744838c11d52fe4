package dev.countersign.local.infra;

/** Addresses of the three servers the services need, however they were obtained. */
public record InfrastructureEndpoints(String kafkaBootstrapServers, String redisUrl, PostgresEndpoint postgres) {
}
