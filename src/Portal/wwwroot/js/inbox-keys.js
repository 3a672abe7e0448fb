// Keyboard triage for the inbox: single keys, ignored while typing in a field or with a modifier held.
const keys = new Set(["j", "k", "a", "r", "e", "x", "?", "Enter", "Escape"]);

export function attach(inbox) {
    const handler = event => {
        const target = event.target;
        if (event.ctrlKey || event.metaKey || event.altKey || !keys.has(event.key)) {
            return;
        }
        if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) {
            return;
        }
        event.preventDefault();
        inbox.invokeMethodAsync("OnKeyAsync", event.key);
    };
    document.addEventListener("keydown", handler);
    // Keys pressed before this point are lost: the mark tells a script (and a test) when the shortcuts listen.
    document.documentElement.dataset.inboxKeys = "on";
    return {
        detach: () => {
            document.removeEventListener("keydown", handler);
            delete document.documentElement.dataset.inboxKeys;
        },
    };
}
