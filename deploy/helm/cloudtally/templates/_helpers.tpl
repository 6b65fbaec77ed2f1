{{/* Names ---------------------------------------------------------------------------------------- */}}
{{- define "cloudtally.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cloudtally.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "cloudtally.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "cloudtally.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cloudtally
{{- end -}}

{{/* Selector labels of one component: include "cloudtally.selectorLabels" (list . "web") */}}
{{- define "cloudtally.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "cloudtally.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "cloudtally.componentLabels" -}}
{{ include "cloudtally.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "cloudtally.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cloudtally.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "cloudtally.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "cloudtally.frontendImage" -}}
{{- printf "%s:%s" .Values.frontendImage.repository (default .Chart.AppVersion .Values.frontendImage.tag) -}}
{{- end -}}

{{- define "cloudtally.secretName" -}}
{{- default (include "cloudtally.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{/* Settings ------------------------------------------------------------------------------------- */}}
{{/* Plain environment of the backend containers as YAML: non-empty `config` values plus what the
     chart decides (bundled Redis, proxy count). Used by the ConfigMap and, inline, by the migration
     hook (which runs before the ConfigMap exists). */}}
{{- define "cloudtally.configEnv" -}}
{{- $env := dict -}}
{{- range $key, $value := .Values.config -}}
{{- if ne (toString $value) "" -}}
{{- $_ := set $env $key (toString $value) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.redis.enabled (not .Values.config.REDIS_URL) -}}
{{- $_ := set $env "REDIS_URL" (printf "redis://%s-redis:6379/0" (include "cloudtally.fullname" .)) -}}
{{- end -}}
{{- if not (hasKey $env "TRUSTED_PROXY_COUNT") -}}
{{- $_ := set $env "TRUSTED_PROXY_COUNT" (ternary "2" "1" .Values.ingress.enabled) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* Secret data (base64), stable across upgrades: a value from `secrets`, else the one already in
     the cluster's Secret, else a generated one (for the keys that may be generated). */}}
{{- define "cloudtally.secretData" -}}
{{- $previous := dict -}}
{{- $found := lookup "v1" "Secret" .Release.Namespace (include "cloudtally.fullname" .) -}}
{{- if $found -}}{{- $previous = default dict $found.data -}}{{- end -}}
{{- $data := dict -}}
{{- range $key, $value := .Values.secrets -}}
{{- if ne (toString $value) "" -}}
{{- $_ := set $data $key (toString $value | b64enc) -}}
{{- end -}}
{{- end -}}
{{- range $key := list "SECRET_KEY" "METRICS_TOKEN" -}}
{{- if not (hasKey $data $key) -}}
{{- $_ := set $data $key (get $previous $key | default (randAlphaNum 64 | b64enc)) -}}
{{- end -}}
{{- end -}}
{{- if not (hasKey $data "FIELD_ENCRYPTION_KEY") -}}
{{- $fernet := randBytes 32 | replace "+" "-" | replace "/" "_" -}}
{{- $_ := set $data "FIELD_ENCRYPTION_KEY" (get $previous "FIELD_ENCRYPTION_KEY" | default ($fernet | b64enc)) -}}
{{- end -}}
{{- if .Values.postgresql.enabled -}}
{{- if not (hasKey $data "POSTGRES_PASSWORD") -}}
{{- $_ := set $data "POSTGRES_PASSWORD" (get $previous "POSTGRES_PASSWORD" | default (randAlphaNum 32 | b64enc)) -}}
{{- end -}}
{{- if not .Values.secrets.DATABASE_URL -}}
{{- $pg := .Values.postgresql -}}
{{- $url := printf "postgres://%s:%s@%s-postgresql:5432/%s" $pg.username (index $data "POSTGRES_PASSWORD" | b64dec) (include "cloudtally.fullname" .) $pg.database -}}
{{- $_ := set $data "DATABASE_URL" ($url | b64enc) -}}
{{- end -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* Environment sources of every backend container. */}}
{{- define "cloudtally.envFrom" -}}
- configMapRef:
    name: {{ include "cloudtally.fullname" . }}-env
- secretRef:
    name: {{ include "cloudtally.secretName" . }}
{{- end -}}

{{/* Volumes every backend container writes to (the root filesystem is read-only). */}}
{{- define "cloudtally.backendVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- end -}}

{{- define "cloudtally.backendVolumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{- end -}}

{{/* Pod-level settings shared by web, worker, beat and the migration Job. */}}
{{- define "cloudtally.podCommon" -}}
serviceAccountName: {{ include "cloudtally.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Annotations that roll the pods when their configuration changes. */}}
{{- define "cloudtally.checksums" -}}
checksum/config: {{ include "cloudtally.configEnv" . | sha256sum }}
{{- if not .Values.existingSecret }}
checksum/secret: {{ include "cloudtally.secretData" . | sha256sum }}
{{- end }}
{{- end -}}
