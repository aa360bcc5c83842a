<#
.SYNOPSIS
  cowork-audit: run a scan on Windows from any scheduler or MDM, keep the last N reports in a folder, and
  optionally POST the NDJSON report to a collector. The Windows twin of run-audit.sh.

.DESCRIPTION
  Each run writes ReportDir\<UTC time>\ (cowork-audit.json, cowork-audit.ndjson, remediate.ps1,
  remediate.sh). Only the newest -Keep run folders stay; only folders named like a run
  (20261121T105203Z, 20261121T105203Z-02) are ever deleted, and never through a link. A report folder
  this script creates is made private to SYSTEM and Administrators.

  With -Url, the NDJSON report is posted (Content-Type: application/x-ndjson) to https://, or to
  http:// on a loopback address only (a local forwarder). TLS certificates are always verified; redirects
  are not followed; every attempt times out after 60 s. The bearer token comes from -TokenFile (first
  line; the file must not be readable by Everyone, Users or Authenticated Users) or else from the
  COWORK_AUDIT_TOKEN environment variable, and is sent in-process: it is never on a command line.

  Prints the scan's one-line summary (README "Formats") on stdout; notes and errors go to stderr.

  Exit codes (the same as run-audit.sh):
    0  the scan ran, nothing failed at or above -FailOn; the report was written (and posted, with -Url)
    1  the scan ran, something failed at or above -FailOn; the report was written (and posted)
    2  bad usage or configuration, or the scan could not run (its own exit 2); nothing kept or posted
    3  the cowork-audit binary is missing
    4  the report was written but posting it failed

.EXAMPLE
  powershell.exe -NoProfile -ExecutionPolicy Bypass -File run-audit.ps1 -ReportDir 'C:\ProgramData\cowork-audit\reports' -Url 'https://siem.example.com/ingest' -TokenFile 'C:\ProgramData\cowork-audit\token'
#>
[CmdletBinding(PositionalBinding = $false)]
param(
  [string]$ReportDir = '',
  # How many run folders to keep (at least 1).
  [string]$Keep = '10',
  [string]$Url = '',
  [string]$TokenFile = '',
  # critical, high, medium, low or none: what makes the exit code 1.
  [string]$FailOn = 'high',
  # A built-in baseline name or a YAML file; empty: the built-in recommended.
  [string]$Baseline = '',
  [string]$Binary = 'C:\Program Files\cowork-audit\cowork-audit.exe',
  # Attempts after the first one on a failed post (0 to 10).
  [string]$Retries = '2',
  # Extra scan arguments, for tests and advanced use.
  [string[]]$ExtraArgs = @(),
  # Anything else on the command line: refused with exit 2 (not PowerShell's own exit 1, which means findings).
  [Parameter(ValueFromRemainingArguments = $true)]
  [string[]]$Unknown = @()
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

function Write-Note([string]$Text) { [Console]::Error.WriteLine('run-audit: ' + $Text) }

# MDM uploads each script alone, so this helper is repeated in every .ps1 of mdm/ (test/mdm-scripts.test.ts
# keeps the copies identical).
# Runs a program; returns its exit code and its stdout and stderr lines. Windows PowerShell 5.1 turns
# native stderr lines into error records, which ErrorActionPreference Stop would make fatal: Continue here.
function Invoke-Native([string]$FilePath, [string[]]$Arguments) {
  $ErrorActionPreference = 'Continue'
  $output = @(& $FilePath @Arguments 2>&1)
  $code = $LASTEXITCODE
  $stdout = @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { $_.ToString() })
  $stderr = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $_.ToString() })
  return [pscustomobject]@{ Code = $code; Stdout = $stdout; Stderr = $stderr }
}

function New-PrivateFolder([string]$Path) {
  New-Item -ItemType Directory -Path $Path -Force | Out-Null
  $acl = New-Object System.Security.AccessControl.DirectorySecurity
  $acl.SetAccessRuleProtection($true, $false)
  foreach ($sid in @('S-1-5-18', 'S-1-5-32-544')) {
    $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
    $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow')
    $acl.AddAccessRule($rule)
  }
  Set-Acl -LiteralPath $Path -AclObject $acl
}

# Any error nobody expected: exit 2, as for a scan that could not run.
trap {
  Write-Note ('error: ' + $_.Exception.Message)
  exit 2
}

# ---- configuration checks: all before the scan ----
if ($Unknown.Count -gt 0) { Write-Note ('unknown argument: ' + ($Unknown -join ' ')); exit 2 }
if (-not $ReportDir) { Write-Note '-ReportDir is required'; exit 2 }
if ($Keep -notmatch '^[0-9]{1,4}$' -or [int]$Keep -lt 1) { Write-Note ('-Keep must be a whole number of at least 1, not ' + $Keep); exit 2 }
if ($Retries -notmatch '^[0-9]{1,2}$' -or [int]$Retries -gt 10) { Write-Note ('-Retries must be 0 to 10, not ' + $Retries); exit 2 }
$keepCount = [int]$Keep
$retryCount = [int]$Retries
if (@('critical', 'high', 'medium', 'low', 'none') -notcontains $FailOn) {
  Write-Note ('-FailOn must be critical, high, medium, low or none, not ' + $FailOn)
  exit 2
}

$token = ''
if ($Url) {
  $uri = $null
  if (-not [System.Uri]::TryCreate($Url, [System.UriKind]::Absolute, [ref]$uri)) { Write-Note '-Url is not an absolute URL'; exit 2 }
  if ($uri.Scheme -eq 'http') {
    # Plain http only to this machine: a token or a report must not cross a network in clear.
    if (-not $uri.IsLoopback -or $uri.UserInfo) { Write-Note '-Url: plain http is allowed only to a loopback address; use https'; exit 2 }
  } elseif ($uri.Scheme -ne 'https') {
    Write-Note '-Url must start with https:// (or http:// to a loopback address)'
    exit 2
  }
  if ($TokenFile) {
    if (-not (Test-Path -LiteralPath $TokenFile -PathType Leaf)) { Write-Note ('-TokenFile: no such file: ' + $TokenFile); exit 2 }
    $broad = @('S-1-1-0', 'S-1-5-32-545', 'S-1-5-11')
    $grants = @((Get-Acl -LiteralPath $TokenFile).GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier]) |
        Where-Object { $_.AccessControlType -eq 'Allow' -and $broad -contains $_.IdentityReference.Value })
    if ($grants.Count -gt 0) { Write-Note ('-TokenFile: ' + $TokenFile + ' is readable by Everyone, Users or Authenticated Users'); exit 2 }
    $token = ([string](Get-Content -LiteralPath $TokenFile -TotalCount 1)).Trim()
    if (-not $token) { Write-Note ('-TokenFile: ' + $TokenFile + ' is empty'); exit 2 }
  } elseif ($env:COWORK_AUDIT_TOKEN) {
    $token = $env:COWORK_AUDIT_TOKEN.Trim()
  }
  # RFC 6750 b64token: the only characters a bearer token has.
  if ($token -and $token -cnotmatch '^[A-Za-z0-9._~+/-]+=*$') { Write-Note 'the token has characters a bearer token cannot have (RFC 6750 b64token)'; exit 2 }
} elseif ($TokenFile) {
  Write-Note '-TokenFile needs -Url'
  exit 2
}

if (-not (Test-Path -LiteralPath $Binary -PathType Leaf)) { Write-Note ('cowork-audit is not installed at ' + $Binary); exit 3 }

# ---- the run folder ----
try {
  if (-not (Test-Path -LiteralPath $ReportDir)) { New-PrivateFolder $ReportDir }
  $stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')
  $runDir = Join-Path $ReportDir $stamp
  $n = 1
  while (Test-Path -LiteralPath $runDir) {
    $n++
    if ($n -gt 99) { throw 'too many runs in the same second' }
    $runDir = Join-Path $ReportDir ($stamp + '-' + $n.ToString('00'))
  }
  New-Item -ItemType Directory -Path $runDir | Out-Null
} catch {
  Write-Note ('cannot create a run folder in ' + $ReportDir + ': ' + $_.Exception.Message)
  exit 2
}

# ---- the scan ----
$scanArgs = @('scan', '--format', 'summary,json,ndjson', '--output', $runDir, '--fail-on', $FailOn, '--quiet')
if ($Baseline) { $scanArgs += @('--baseline', $Baseline) }
$scanArgs += $ExtraArgs
try {
  $scan = Invoke-Native $Binary $scanArgs
} catch {
  $scan = [pscustomobject]@{ Code = -1; Stdout = @(); Stderr = @($_.Exception.Message) }
}
foreach ($line in $scan.Stdout) { Write-Output $line }
foreach ($line in $scan.Stderr) { [Console]::Error.WriteLine($line) }
if ($scan.Code -ne 0 -and $scan.Code -ne 1) {
  [System.IO.Directory]::Delete($runDir, $true)
  Write-Note ('the scan failed (exit ' + $scan.Code + '); nothing kept')
  exit 2
}
Write-Note ('report: ' + (Join-Path $runDir 'cowork-audit.json'))

# ---- rotation: the newest -Keep run folders stay. Directory.Delete removes a link inside, never its target ----
$runs = @(Get-ChildItem -LiteralPath $ReportDir -Directory -Force |
    Where-Object { $_.Name -cmatch '^[0-9]{8}T[0-9]{6}Z(-[0-9]{2})?$' -and -not ($_.Attributes -band [System.IO.FileAttributes]::ReparsePoint) } |
    Sort-Object -Property Name)
for ($i = 0; $i -lt $runs.Count - $keepCount; $i++) {
  [System.IO.Directory]::Delete($runs[$i].FullName, $true)
  Write-Note ('removed old report ' + $runs[$i].FullName)
}

# ---- the post ----
if ($Url) {
  $ndjson = Join-Path $runDir 'cowork-audit.ndjson'
  $body = [System.IO.File]::ReadAllBytes($ndjson)
  $records = @(Get-Content -LiteralPath $ndjson).Count
  $headers = @{}
  if ($token) { $headers['Authorization'] = 'Bearer ' + $token }
  [System.Net.ServicePointManager]::SecurityProtocol = [System.Net.ServicePointManager]::SecurityProtocol -bor [System.Net.SecurityProtocolType]::Tls12
  $attempt = 0
  while ($true) {
    try {
      $response = Invoke-WebRequest -Uri $Url -Method Post -Body $body -ContentType 'application/x-ndjson' -Headers $headers -UserAgent 'cowork-audit-run-audit' -UseBasicParsing -TimeoutSec 60 -MaximumRedirection 0
      if ($response.StatusCode -lt 200 -or $response.StatusCode -ge 300) { throw ('HTTP ' + $response.StatusCode) }
      Write-Note ('posted ' + $records + ' record(s) to the collector (HTTP ' + $response.StatusCode + ')')
      break
    } catch {
      $attempt++
      if ($attempt -gt $retryCount) {
        Write-Note ('posting to the collector failed: ' + $_.Exception.Message + '; the report is kept in ' + $runDir)
        exit 4
      }
      Start-Sleep -Seconds 2
    }
  }
}
if ($scan.Code -eq 1) { exit 1 }
exit 0
