// The engine's front door: text (or notebook cells) in, findings out. The CLI, the worker threads
// and the extension all go through here, so a finding the CLI prints is the finding the editor shows
// (one exception, while an unclosed bracket runs to the end of a file: see python/chunkedModule.ts).
import type { Finding, Target, TargetSetting } from './types';
import { PythonParser, type ParserAssets } from './python/parser';
import type { ParsedModule } from './python/chunkedModule';
import { analyzeTree, type AnalysisResult, type SeverityOverride } from './engine';
import { selectRules } from './rules';
import type { Rule } from './rules/api';
import { buildNotebookProgram, mapNotebookFindings } from './notebook';

export interface AnalyzerSettings {
  target: TargetSetting;
  select?: readonly string[];
  ignore?: readonly string[];
  severity?: ReadonlyMap<string, SeverityOverride>;
  projectTarget?: Target | null;
  /** Restrict analysis to these offsets (incremental analysis; see incremental.ts). */
  ranges?: readonly (readonly [number, number])[];
  origins?: Map<Finding, number>;
}

export interface NotebookResult {
  findings: (Finding & { cell: number })[];
  target: Target;
}

export class Analyzer {
  /** Internal rule errors seen so far (a crashing rule never stops analysis). */
  readonly ruleErrors: string[] = [];
  constructor(readonly parser: PythonParser) {}

  static async create(assets?: ParserAssets): Promise<Analyzer> {
    return new Analyzer(await PythonParser.create(assets));
  }

  rules(settings: AnalyzerSettings): readonly Rule[] {
    return selectRules(settings.select, settings.ignore);
  }

  /** Analyses `text`; pass `tree` when the caller keeps its own (incremental) parse. */
  analyzeText(text: string, settings: AnalyzerSettings, tree?: ParsedModule): AnalysisResult {
    const own = tree ? null : this.parser.parse(text);
    try {
      return analyzeTree(tree ?? own!, text, {
        target: settings.target,
        projectTarget: settings.projectTarget,
        rules: this.rules(settings),
        severity: settings.severity,
        ranges: settings.ranges,
        origins: settings.origins,
        onRuleError: (rule, e) => {
          if (this.ruleErrors.length < 100) this.ruleErrors.push(`${rule.id}: ${(e as Error)?.stack ?? String(e)}`);
        },
      });
    } finally {
      own?.delete();
    }
  }

  analyzeNotebook(cells: readonly { index: number; source: string }[], settings: AnalyzerSettings): NotebookResult {
    const program = buildNotebookProgram(cells);
    const r = this.analyzeText(program.text, settings);
    return { findings: mapNotebookFindings(program, r.findings), target: r.target };
  }
}
