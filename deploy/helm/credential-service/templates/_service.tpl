{{/* credential-service's own non-secret properties: the database (Flyway migrates over JDBC, the service runs reactively). */}}
{{- define "credential-service.properties" -}}
{{- $db := .Values.database -}}
{{- $host := $db.host | default (printf "%s-postgresql" .Release.Name) -}}
{{- $ssl := ternary (printf "?sslmode=%s" $db.sslMode) "" (ne ($db.sslMode | default "") "") -}}
quarkus.datasource.jdbc.url: {{ printf "jdbc:postgresql://%s:%v/%s%s" $host $db.port $db.name $ssl | quote }}
quarkus.datasource.reactive.url: {{ printf "postgresql://%s:%v/%s%s" $host $db.port $db.name $ssl | quote }}
quarkus.datasource.username: {{ $db.username | quote }}
{{- include "credential-service.attestationProperties" . }}
{{- end }}

{{/*
Tenants' attestation policies (docs/attestation.md), public values only: modes, app id, package
name, token age, and the App Attest roots (certificates). A policy for a tenant the release does not
configure would be ignored by the service, so it fails the render instead.
*/}}
{{- define "credential-service.attestationProperties" -}}
{{- $ids := list -}}
{{- range .Values.global.countersign.tenants }}{{ $ids = append $ids .id }}{{ end -}}
{{- range $id, $policy := .Values.attestation.tenants }}
{{- if not (has $id $ids) }}
{{- fail (printf "attestation.tenants.%s: no tenant %s in global.countersign.tenants" $id $id) }}
{{- end }}
{{- $prefix := printf "countersign.tenants.\"%s\".attestation." $id }}
{{- with $policy.ios }}
{{- with .mode }}
{{ printf "%sios.mode" $prefix | quote }}: {{ . | quote }}
{{- end }}
{{- with .appId }}
{{ printf "%sios.app-id" $prefix | quote }}: {{ . | quote }}
{{- end }}
{{- if hasKey . "allowDevelopment" }}
{{ printf "%sios.allow-development" $prefix | quote }}: {{ .allowDevelopment | quote }}
{{- end }}
{{- end }}
{{- with $policy.android }}
{{- with .mode }}
{{ printf "%sandroid.mode" $prefix | quote }}: {{ . | quote }}
{{- end }}
{{- with .packageName }}
{{ printf "%sandroid.package-name" $prefix | quote }}: {{ . | quote }}
{{- end }}
{{- with .maxTokenAge }}
{{ printf "%sandroid.max-token-age" $prefix | quote }}: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.attestation.appAttestRoots }}
countersign.credential.attestation.app-attest-roots: {{ join "," . | quote }}
{{- end }}
{{- end }}

{{/* Secret environment: the database password. */}}
{{- define "credential-service.secretData" -}}
{{- with .Values.database.password }}
QUARKUS_DATASOURCE_PASSWORD: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
From other Secrets' keys: the password (database.passwordSecret, or the umbrella's bundled PostgreSQL
when database.host is empty) and each tenant's Play response keys (attestation.tenants.<id>.android.keysSecret).
*/}}
{{- define "credential-service.extraEnv" -}}
{{- $db := .Values.database -}}
{{- if and (not $db.password) (not .Values.existingSecret) (or $db.passwordSecret.name (not $db.host)) }}
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.passwordSecret.name | default (printf "%s-postgresql" .Release.Name) }}
      key: {{ $db.passwordSecret.key }}
{{- end }}
{{- range $id, $policy := .Values.attestation.tenants }}
{{- with ($policy.android | default dict).keysSecret }}
{{- if .name }}
- name: {{ include "countersign-lib.tenantVariable" (dict "id" $id "key" "ATTESTATION_ANDROID_DECRYPTION_KEY") }}
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .decryptionKey | default "decryption-key" }}
- name: {{ include "countersign-lib.tenantVariable" (dict "id" $id "key" "ATTESTATION_ANDROID_VERIFICATION_KEY") }}
  valueFrom:
    secretKeyRef:
      name: {{ .name }}
      key: {{ .verificationKey | default "verification-key" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
