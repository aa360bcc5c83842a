<#
.SYNOPSIS
  cowork-audit: Intune Remediations detection script (pair: remediate.ps1).

.DESCRIPTION
  Runs cowork-audit scan and tells Intune whether this device needs remediation: a check failing (fail or
  error) at or above -FailOn. Writes one line, the scan's summary line (README "Formats"), for example

    cowork-audit 0.1.0 host=PC-042 result=FAIL fail_on=high score=0 pass=0 fail=3 error=0 waived=0 skipped=1 critical=0 high=2 medium=1 low=0 info=0 baseline=recommended

  or "not installed: <path>" or "error: ...". The scan changes nothing and writes no file.

  Intune conventions (Microsoft Learn, "Remediations", Script requirements,
  https://learn.microsoft.com/intune/intune-service/fundamentals/remediations; source
  MicrosoftDocs/memdocs intune/fundamentals/remediations.md):
  - "A remediation script only runs if the detection script uses exit code exit 1, meaning the issue was
    detected"; any other exit code means the issue was not found. So: exit 0 compliant, exit 1 remediate.
    A missing binary or a scan that could not run also exits 1: a device that cannot prove it is compliant
    must not be reported as compliant (the sample detection scripts there exit 1 from their catch block).
  - "The maximum allowed output size limit is 2048 characters": one line, cut at 2048 characters.
  - Scripts must be UTF-8 (without BOM when signature checks are enforced): this file is plain ASCII.
  Settings: Run this script using the logged-on credentials: No (as SYSTEM the scan audits every
  account); Enforce script signature check: No, unless you sign it; Run script in 64-bit PowerShell: either
  (the scan is a program of its own).

  Configure by editing the defaults in param() below: Intune passes no arguments.

  Exit codes: 0 nothing fails at or above -FailOn; 1 something does, or the scan could not run.
#>
[CmdletBinding()]
param(
  # The cowork-audit binary (for example deployed as a Win32 app).
  [string]$Binary = 'C:\Program Files\cowork-audit\cowork-audit.exe',
  # Remediation is needed when a check fails at or above this severity: critical, high, medium or low.
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

$scanArgs = @('scan', '--format', 'summary', '--fail-on', $FailOn, '--quiet')
if ($Baseline) { $scanArgs += @('--baseline', $Baseline) }
$scanArgs += $ExtraArgs

try {
  $run = Invoke-Native $Binary $scanArgs
} catch {
  Out-Line ('error: cannot run ' + $Binary + ': ' + $_.Exception.Message)
  exit 1
}

# The scan's exit code is the verdict (0 clean, 1 a failure at or above -FailOn); its summary line is the output.
$summary = @($run.Stdout | Where-Object { $_ -like 'cowork-audit *' } | Select-Object -Last 1)
if ($run.Code -eq 0 -and $summary.Count -eq 1) {
  Out-Line $summary[0]
  exit 0
}
if ($run.Code -eq 1 -and $summary.Count -eq 1) {
  Out-Line $summary[0]
  exit 1
}
$reason = (@($run.Stderr | Select-Object -First 1) -join '') -replace '^cowork-audit: ', ''
Out-Line ('error: scan exit ' + $run.Code + ': ' + $reason)
exit 1
