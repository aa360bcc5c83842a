<#
.SYNOPSIS
  cowork-audit: Intune Remediations remediation script (pair: detect.ps1).

.DESCRIPTION
  Runs when detect.ps1 exited 1. Scans with cowork-audit scan --format json --output <ReportDir>, then
  runs the remediate.ps1 that the scan generated there with -Apply (its rollback script and a log of
  everything it printed are kept in the same folder). What cannot be fixed safely by a script (rotating a
  key, for example) is listed as MANUAL in the log; such a device stays "with issues" in the next
  detection, which is the truth.

  Intune conventions (Microsoft Learn, "Remediations", Script requirements,
  https://learn.microsoft.com/intune/intune-service/fundamentals/remediations; source
  MicrosoftDocs/memdocs intune/fundamentals/remediations.md): the remediation runs only after the
  detection script exits 1; output is limited to 2048 characters (one line here); scripts are UTF-8
  (this file is plain ASCII). The sample remediation scripts there exit 0 on success and 1 on failure,
  as this one does. Intune runs the detection script again afterwards and reports its output.

  Configure by editing the defaults in param() below: Intune passes no arguments. Run as SYSTEM (Run this
  script using the logged-on credentials: No). The generated script is run with -ExecutionPolicy Bypass;
  a machine policy that requires signed scripts overrides that, and the remediation then fails (exit 1).

  Exit codes: 0 the generated remediation ran and succeeded; 1 it failed, or there was nothing to run it
  with (binary missing, scan error).
#>
[CmdletBinding()]
param(
  # The cowork-audit binary (for example deployed as a Win32 app).
  [string]$Binary = 'C:\Program Files\cowork-audit\cowork-audit.exe',
  # Where the report, the generated remediate.ps1, its rollback script and the log go. Created if missing;
  # only SYSTEM and Administrators may use it, because a script in it is run as SYSTEM.
  [string]$ReportDir = 'C:\ProgramData\cowork-audit\remediation',
  # The same severity as in detect.ps1: critical, high, medium or low.
  [string]$FailOn = 'high',
  # A built-in baseline name or a YAML file on the device; empty: the built-in recommended.
  [string]$Baseline = '',
  # Extra scan arguments, for tests and advanced use.
  [string[]]$ExtraArgs = @()
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

# The only writer of output: one line without control characters, at most 2048 characters.
function Out-Line([string]$Text) {
  $line = ($Text -replace '[\x00-\x1f\x7f]+', ' ').Trim()
  if ($line.Length -gt 2048) { $line = $line.Substring(0, 2048) }
  Write-Output $line
}

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

# The folder holds a script that runs as SYSTEM: it must be a real folder (not a junction elsewhere) that
# only SYSTEM and Administrators can write. Inherited entries (Users may create files under ProgramData)
# are removed.
function Initialize-ReportDir([string]$Path) {
  if (Test-Path -LiteralPath $Path) {
    $item = Get-Item -LiteralPath $Path -Force
    if (-not $item.PSIsContainer) { throw ('not a folder: ' + $Path) }
    if ($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint) { throw ('a link, not a folder: ' + $Path) }
  } else {
    New-Item -ItemType Directory -Path $Path -Force | Out-Null
  }
  $acl = New-Object System.Security.AccessControl.DirectorySecurity
  $acl.SetAccessRuleProtection($true, $false)
  foreach ($sid in @('S-1-5-18', 'S-1-5-32-544')) {
    $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
    $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow')
    $acl.AddAccessRule($rule)
  }
  Set-Acl -LiteralPath $Path -AclObject $acl
}

# Any error nobody expected still ends in one line of output and exit 1.
trap {
  Out-Line ('error: ' + $_.Exception.Message)
  exit 1
}

if (@('critical', 'high', 'medium', 'low') -notcontains $FailOn) {
  Out-Line ('error: FailOn must be critical, high, medium or low, not ' + $FailOn)
  exit 1
}
if (-not (Test-Path -LiteralPath $Binary -PathType Leaf)) {
  Out-Line ('not installed: ' + $Binary)
  exit 1
}
try {
  Initialize-ReportDir $ReportDir
} catch {
  Out-Line ('error: report folder ' + $ReportDir + ': ' + $_.Exception.Message)
  exit 1
}

# 1. The scan: the JSON report and, beside it, the generated remediate.ps1.
$scanArgs = @('scan', '--format', 'json', '--output', $ReportDir, '--fail-on', $FailOn, '--quiet')
if ($Baseline) { $scanArgs += @('--baseline', $Baseline) }
$scanArgs += $ExtraArgs
try {
  $scan = Invoke-Native $Binary $scanArgs
} catch {
  Out-Line ('error: cannot run ' + $Binary + ': ' + $_.Exception.Message)
  exit 1
}
if ($scan.Code -ne 0 -and $scan.Code -ne 1) {
  $reason = (@($scan.Stderr | Select-Object -First 1) -join '') -replace '^cowork-audit: ', ''
  Out-Line ('error: scan exit ' + $scan.Code + ': ' + $reason)
  exit 1
}
$generated = Join-Path $ReportDir 'remediate.ps1'
if (-not (Test-Path -LiteralPath $generated -PathType Leaf)) {
  Out-Line ('error: the scan wrote no ' + $generated)
  exit 1
}

# 2. The generated script with -Apply, in a PowerShell of its own (the same one that runs this script),
#    so that its strict mode, its exit code and its errors stay its own.
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMddTHHmmssZ')
$rollback = Join-Path $ReportDir ('rollback-' + $stamp + '.ps1')
$log = Join-Path $ReportDir ('remediate-' + $stamp + '.log')
$shell = (Get-Process -Id $PID).Path
try {
  $fix = Invoke-Native $shell @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $generated, '-Apply', '-Rollback', $rollback)
} catch {
  Out-Line ('error: cannot run ' + $generated + ': ' + $_.Exception.Message)
  exit 1
}
Set-Content -LiteralPath $log -Encoding UTF8 -Value (@($fix.Stdout) + @($fix.Stderr))

$done = (@($fix.Stdout | Where-Object { $_ -like 'done:*' } | Select-Object -Last 1) -join '')
if ($fix.Code -eq 0) {
  Out-Line ('remediated: ' + $done + ' (log ' + $log + ')')
  exit 0
}
Out-Line ('remediation failed: exit ' + $fix.Code + ' (log ' + $log + ')')
exit 1
