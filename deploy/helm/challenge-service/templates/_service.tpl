{{/* challenge-service's own non-secret properties: Redis. */}}
{{- define "challenge-service.properties" -}}
quarkus.redis.hosts: {{ .Values.redis.hosts | default (printf "redis://%s-redis:6379" .Release.Name) | quote }}
{{- if ne .Values.redis.clientType "standalone" }}
quarkus.redis.client-type: {{ .Values.redis.clientType | quote }}
{{- end }}
{{- if eq .Values.redis.clientType "sentinel" }}
{{- /* Writes go to the master only: challenges are read right after they are written. */}}
quarkus.redis.role: "master"
quarkus.redis.master-name: {{ required "redis.masterName is required with redis.clientType sentinel" .Values.redis.masterName | quote }}
{{- end }}
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
