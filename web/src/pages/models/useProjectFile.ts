// One project file being edited: its text as loaded, the edits, its ETag, and saving it at that version.
import { useCallback, useEffect, useState } from "react";
import { readFile, writeFile } from "./files";

export interface ProjectFileEditor {
  /** The text in the editor. */
  content: string;
  setContent: (value: string) => void;
  /** The text last loaded or saved. */
  saved: string;
  dirty: boolean;
  loading: boolean;
  loadError: unknown;
  saving: boolean;
  saveError: unknown;
  /** Set after a successful save, until the next edit. */
  justSaved: boolean;
  save: () => Promise<boolean>;
  /** Loads the file again, dropping the edits. */
  reload: () => void;
}

/** Edits the file at `path` (nothing when `path` is undefined: not known yet, or the caller may not edit). */
export function useProjectFile(path: string | undefined, onSaved?: () => void): ProjectFileEditor {
  const [content, setContentState] = useState("");
  const [saved, setSaved] = useState("");
  const [etag, setEtag] = useState<string | null>(null);
  // The path whose content is loaded: until it is the current one, the file is loading.
  const [loadedFor, setLoadedFor] = useState<string | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [justSaved, setJustSaved] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    setLoadError(null);
    readFile(path, controller.signal).then(
      (file) => {
        if (controller.signal.aborted) return;
        setContentState(file.content);
        setSaved(file.content);
        setEtag(file.etag);
        setSaveError(null);
        setLoadedFor(path);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setLoadError(e);
      },
    );
    return () => controller.abort();
  }, [path, tick]);

  const setContent = useCallback((value: string) => {
    setContentState(value);
    setJustSaved(false);
  }, []);

  const save = useCallback(async () => {
    if (!path) return false;
    setSaving(true);
    setSaveError(null);
    try {
      const written = await writeFile(path, content, etag);
      setSaved(content);
      // The server answers the new version's ETag; without it, read the file again to learn it.
      if (written.etag) setEtag(written.etag);
      else setTick((t) => t + 1);
      setJustSaved(true);
      onSaved?.();
      return true;
    } catch (e) {
      setSaveError(e);
      return false;
    } finally {
      setSaving(false);
    }
  }, [path, content, etag, onSaved]);

  const reload = useCallback(() => setTick((t) => t + 1), []);

  const loading = !!path && loadedFor !== path && !loadError;
  return { content, setContent, saved, dirty: content !== saved, loading, loadError, saving, saveError, justSaved, save, reload };
}
