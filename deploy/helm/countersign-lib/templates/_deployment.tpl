{{/*
The service's Deployment. Call with (dict "ctx" . "configChecksum" <sha> "hasSecret" <bool> "extraEnv" <list>).
*/}}
{{- define "countersign-lib.deployment" -}}
{{- $ctx := .ctx -}}
{{- $v := $ctx.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "countersign-lib.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" $ctx | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "countersign-lib.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # New pods first: a rolling upgrade never lowers capacity.
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      annotations:
        checksum/config: {{ .configChecksum }}
        {{- if $v.metrics.enabled }}
        prometheus.io/scrape: "true"
        prometheus.io/path: /q/metrics
        prometheus.io/port: {{ $v.managementPort | quote }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "countersign-lib.selectorLabels" $ctx | nindent 8 }}
        app.kubernetes.io/part-of: countersign
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "countersign-lib.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      containers:
        - name: {{ $ctx.Chart.Name }}
          image: {{ include "countersign-lib.image" $ctx | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $v.containerPort }}
              protocol: TCP
            # /q/* (health, metrics, OpenAPI): never on the http port, never behind the Ingress.
            - name: management
              containerPort: {{ $v.managementPort }}
              protocol: TCP
          env:
            - name: QUARKUS_PROFILE
              value: kubernetes
            - name: QUARKUS_CONFIG_LOCATIONS
              value: /etc/countersign/application.properties
            - name: QUARKUS_HTTP_PORT
              value: {{ $v.containerPort | quote }}
            - name: QUARKUS_MANAGEMENT_PORT
              value: {{ $v.managementPort | quote }}
            # Console logs as text or JSON lines (docs/observability.md#logs): the service's logFormat, else the global one.
            {{- $logFormat := $v.logFormat | default (($v.global).countersign).logFormat | default "text" }}
            {{- if not (has $logFormat (list "text" "json")) }}
            {{- fail (printf "logFormat must be text or json, not %q" $logFormat) }}
            {{- end }}
            - name: QUARKUS_LOG_CONSOLE_JSON_ENABLED
              value: {{ eq $logFormat "json" | quote }}
            # The same for every service: challenge-service sends it, credential-service requires it on /internal/*.
            - name: COUNTERSIGN_INTERNAL_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ include "countersign-lib.internalSecretName" $ctx }}
                  key: {{ include "countersign-lib.internalSecretKey" $ctx }}
            # The pod's name, for per-replica settings (e.g. the notifier's per-replica consumer group).
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            {{- if eq $v.runtime "jvm" }}
            - name: JAVA_OPTS_APPEND
              value: {{ $v.jvmOptions | quote }}
            {{- end }}
            {{- with ($v.tracing).otlpEndpoint }}
            # Tracing on, spans to this OTLP/HTTP receiver (docs/observability.md#tracing); unset: off.
            - name: OTEL_EXPORTER_OTLP_ENDPOINT
              value: {{ . | quote }}
            {{- end }}
            {{- with .extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- if .hasSecret }}
          envFrom:
            - secretRef:
                name: {{ include "countersign-lib.secretName" $ctx }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: management
            periodSeconds: 2
            failureThreshold: {{ $v.startupProbe.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: management
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: management
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml ($v.resources | default (index $v.resourcesPresets $v.runtime)) | nindent 12 }}
          volumeMounts:
            - name: config
              mountPath: /etc/countersign
              readOnly: true
            # The root filesystem is read-only; Vert.x and Netty unpack into /tmp.
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: config
          configMap:
            name: {{ include "countersign-lib.fullname" $ctx }}
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{- define "countersign-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "countersign-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
    {{- if .Values.metrics.serviceMonitor.enabled }}
    # Only for the ServiceMonitor; the Ingress routes to http alone.
    - name: management
      port: {{ .Values.managementPort }}
      targetPort: management
      protocol: TCP
    {{- end }}
  selector:
    {{- include "countersign-lib.selectorLabels" . | nindent 4 }}
{{- end }}

{{- define "countersign-lib.serviceaccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "countersign-lib.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# The services never call the Kubernetes API.
automountServiceAccountToken: false
{{- end }}
{{- end }}

{{- define "countersign-lib.hpa" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "countersign-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "countersign-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- with .Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end }}
{{- end }}

{{- define "countersign-lib.pdb" -}}
{{- if .Values.pdb.create }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "countersign-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" . | nindent 4 }}
spec:
  {{- if .Values.pdb.minAvailable }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "countersign-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/*
Ingress to the service port only from the release's other pods, the ingress controller and the
scraper (networkPolicy.ingressFrom), to the management port only from the latter; egress open unless allowExternalEgress is false, then DNS,
the release's pods and networkPolicy.extraEgress (Kafka, PostgreSQL, Redis, webhook receivers).
*/}}
{{- define "countersign-lib.networkpolicy" -}}
{{- if .Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "countersign-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "countersign-lib.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    {{- if not .Values.networkPolicy.allowExternalEgress }}
    - Egress
    {{- end }}
  ingress:
    - ports:
        - port: http
          protocol: TCP
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .Release.Name }}
              app.kubernetes.io/part-of: countersign
        {{- with .Values.networkPolicy.ingressFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    {{- with .Values.networkPolicy.ingressFrom }}
    # The management port (metrics) only for the listed peers (the scraper), not the release's pods.
    - ports:
        - port: management
          protocol: TCP
      from:
        {{- toYaml . | nindent 8 }}
    {{- end }}
  {{- if not .Values.networkPolicy.allowExternalEgress }}
  egress:
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/instance: {{ .Release.Name }}
    {{- with .Values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end }}

{{/* A prometheus-operator ServiceMonitor for /q/metrics (metrics.serviceMonitor.enabled), instead of or beside the scrape annotations. */}}
{{- define "countersign-lib.servicemonitor" -}}
{{- if .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "countersign-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "countersign-lib.labels" . | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "countersign-lib.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: management
      path: /q/metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
{{- end }}
{{- end }}
