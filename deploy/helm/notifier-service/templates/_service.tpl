{{/* The notifier's own non-secret properties: the push channels' public settings. */}}
{{- define "notifier-service.properties" -}}
{{- with .Values.apns.teamId }}
countersign.notifier.apns.team-id: {{ . | quote }}
{{- end }}
{{- with .Values.apns.keyId }}
countersign.notifier.apns.key-id: {{ . | quote }}
{{- end }}
{{- with .Values.apns.topic }}
countersign.notifier.apns.topic: {{ . | quote }}
{{- end }}
{{- if .Values.apns.teamId }}
countersign.notifier.apns.production: {{ .Values.apns.production | quote }}
{{- end }}
{{- with .Values.fcm.projectId }}
countersign.notifier.fcm.project-id: {{ . | quote }}
{{- end }}
{{- end }}

{{/* Secret environment: tenants' webhook secrets (SmallRye finds the tenant from the ConfigMap), APNs key, FCM account. */}}
{{- define "notifier-service.secretData" -}}
{{- range $id, $secret := .Values.tenantSecrets }}
{{ include "countersign-lib.tenantVariable" (dict "id" $id "key" "WEBHOOK_SECRET") }}: {{ $secret | quote }}
{{- end }}
{{- with .Values.apns.signingKey }}
COUNTERSIGN_NOTIFIER_APNS_SIGNING_KEY: {{ . | quote }}
{{- end }}
{{- with .Values.fcm.serviceAccount }}
COUNTERSIGN_NOTIFIER_FCM_SERVICE_ACCOUNT: {{ . | quote }}
{{- end }}
{{- end }}
