using System.Text.Json.Nodes;

namespace ApprovalPortal.Portal.Components.Editing;

/// <summary>Where a field's value lives in the document being edited: the root, an object's property or an array's element.</summary>
/// <remarks>Containers are created on the first edit inside them, so a form can show the fields of an
/// object the agent left out without adding it to the payload until the reviewer types something.</remarks>
public abstract class FieldSlot
{
    /// <summary>The current value; null when absent (or JSON null).</summary>
    public abstract JsonNode? Value { get; }

    /// <summary>False for an element or the root, which cannot be left out of the document.</summary>
    public abstract bool CanBeAbsent { get; }

    /// <summary>Writes <paramref name="value"/>, which must not belong to another document.</summary>
    public abstract void Set(JsonNode? value);

    /// <summary>Leaves the value out (a property is removed; elsewhere JSON null).</summary>
    public abstract void Clear();

    /// <summary>The slot of property <paramref name="name"/> of the object here; <paramref name="order"/> is the schema's property order,
    /// used to put a newly added property where the schema lists it.</summary>
    public FieldSlot Property(string name, IReadOnlyList<string> order) => new PropertySlot(this, name, order);

    /// <summary>The slot of element <paramref name="index"/> of the array here.</summary>
    public FieldSlot Element(int index) => new ElementSlot(this, index);

    /// <summary>A root slot over the document held by <paramref name="get"/> and <paramref name="set"/>.</summary>
    public static FieldSlot Root(Func<JsonNode?> get, Action<JsonNode?> set) => new RootSlot(get, set);

    /// <summary>The object here, created when absent.</summary>
    public JsonObject EnsureObject()
    {
        if (Value is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        Set(created);
        return created;
    }

    /// <summary>The array here, created when absent.</summary>
    public JsonArray EnsureArray()
    {
        if (Value is JsonArray existing)
        {
            return existing;
        }
        var created = new JsonArray();
        Set(created);
        return created;
    }

    private sealed class RootSlot(Func<JsonNode?> get, Action<JsonNode?> set) : FieldSlot
    {
        public override JsonNode? Value => get();
        public override bool CanBeAbsent => false;
        public override void Set(JsonNode? value) => set(value);
        public override void Clear() => set(null);
    }

    private sealed class PropertySlot(FieldSlot parent, string name, IReadOnlyList<string> order) : FieldSlot
    {
        public override JsonNode? Value => parent.Value is JsonObject obj && obj.TryGetPropertyValue(name, out var value) ? value : null;
        public override bool CanBeAbsent => true;

        public override void Set(JsonNode? value)
        {
            var obj = parent.EnsureObject();
            if (obj.ContainsKey(name))
            {
                obj[name] = value;
                return;
            }
            obj.Insert(InsertAt(obj), name, value);
        }

        public override void Clear() => (parent.Value as JsonObject)?.Remove(name);

        // Before the first property the schema lists after this one, so a cleared and retyped
        // field comes back in its place and the diff shows an edit, not a move.
        private int InsertAt(JsonObject obj)
        {
            var rank = IndexOf(name);
            for (var i = 0; i < obj.Count; i++)
            {
                if (IndexOf(obj.GetAt(i).Key) > rank)
                {
                    return i;
                }
            }
            return obj.Count;
        }

        private int IndexOf(string property)
        {
            for (var i = 0; i < order.Count; i++)
            {
                if (order[i] == property)
                {
                    return i;
                }
            }
            return -1;
        }
    }

    private sealed class ElementSlot(FieldSlot parent, int index) : FieldSlot
    {
        public override JsonNode? Value => parent.Value is JsonArray array && index < array.Count ? array[index] : null;
        public override bool CanBeAbsent => false;
        public override void Set(JsonNode? value) => parent.EnsureArray()[index] = value;
        public override void Clear() => Set(null);
    }
}
