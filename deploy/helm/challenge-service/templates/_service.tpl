{{/* challenge-service's own non-secret properties: Redis. */}}
{{- define "challenge-service.properties" -}}
quarkus.redis.hosts: {{ .Values.redis.hosts | default (printf "redis://%s-redis:6379" .Release.Name) | quote }}
{{- end }}

{{/* Secret environment: the token signing key (only challenge-service signs) and the Redis password. */}}
{{- define "challenge-service.secretData" -}}
{{- with .Values.tokens.signingKey }}
COUNTERSIGN_TOKENS_SIGNING_KEY: {{ . | quote }}
{{- end }}
{{- with .Values.redis.password }}
QUARKUS_REDIS_PASSWORD: {{ . | quote }}
{{- end }}
{{- end }}
